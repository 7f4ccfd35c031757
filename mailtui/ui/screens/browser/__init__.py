"""The mail browser (mutt's index): the screen, its background jobs, big-folder actions and prompts."""
