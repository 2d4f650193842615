"""定期联络: visits to covered enterprises and the contact policy."""
