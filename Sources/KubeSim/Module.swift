// KubeSim
