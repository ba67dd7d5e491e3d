"""What waits for whom: the work each person has to do in the running cycles,
with its deadline, as in-app notices and e-mail reminders."""
