"""Budget schedules: pure arithmetic, testable without fitting anything."""
