"""每周清单: an officer's weekly checklist, built from live data and submitted weekly."""
