"""Deadlines in Chinese working days: the work calendar (with 调休), SLA settings,
due times, traffic lights and the sweep that escalates and reminds."""
