"""tests/continuous: sharding, merge, the scheduled audit's handlers, its state machine and component.

Their helpers (the ASL interpreter, the component's Pulumi mocks) are in testkit/."""
