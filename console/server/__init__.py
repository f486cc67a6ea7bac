"""console/server"""
