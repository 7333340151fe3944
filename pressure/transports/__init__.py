"""Link adapters for transports other than pyserial: the only modules that import bleak or bumble."""
