// SyncGateX509
