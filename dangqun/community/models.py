"""区域化党建: the models of this domain."""
