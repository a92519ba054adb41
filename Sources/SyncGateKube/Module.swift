// SyncGateKube
