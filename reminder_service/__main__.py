from reminder_service.cli import main

raise SystemExit(main())
