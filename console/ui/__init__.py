"""console/ui"""
