// SyncGateRollout
