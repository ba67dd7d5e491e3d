"""The scheme designer: HR builds and changes an appraisal form (考核表) by clicking."""
