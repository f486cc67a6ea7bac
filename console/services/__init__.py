"""console/services"""
