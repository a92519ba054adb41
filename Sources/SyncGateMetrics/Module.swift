// SyncGateMetrics
