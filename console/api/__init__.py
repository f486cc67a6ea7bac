"""console/api"""
