"""console/cache"""
