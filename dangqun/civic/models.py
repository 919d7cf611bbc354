"""惠民服务: the models of this domain."""
