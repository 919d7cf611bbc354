"""党员服务: the models of this domain."""
