"""The sub-commands of `reminder-service`, one module per concern; cli.py parses and dispatches."""
