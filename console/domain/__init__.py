"""console/domain"""
