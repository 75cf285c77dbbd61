"""The fake Heat: HOT templates, the stack engine and its orchestration API."""
