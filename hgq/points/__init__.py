"""积分考核: points derived from the record (cases, visits, checklists), manual
adjustments, appeals and rankings."""
