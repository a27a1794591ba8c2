"""Object detection: IoU, NMS, RoI pooling and RoIAlign."""
