"""360 surveys (domain.md §3a): raters' invitations and phone-friendly forms, and the
raters page where HR and managers assign raters and follow who has answered."""
