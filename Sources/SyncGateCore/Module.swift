@_exported import SyncGateYAML
