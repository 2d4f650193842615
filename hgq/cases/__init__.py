"""Cases (诉求/问题/件): the three-level workflow, events, attachments, ratings."""
