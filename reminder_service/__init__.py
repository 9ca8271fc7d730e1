"""reminder_service: email-driven check-ins that keep mentoring pairs meeting."""
