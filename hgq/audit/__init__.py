"""The audit trail: who changed what, when, from where, with before and after."""
