print("syncgate-bench: not built yet")
