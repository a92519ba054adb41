// SyncGateTestSupport
