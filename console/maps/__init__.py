"""console/maps"""
