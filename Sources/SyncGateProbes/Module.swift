// SyncGateProbes
