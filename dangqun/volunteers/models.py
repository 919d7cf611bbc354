"""志愿服务: the models of this domain."""
