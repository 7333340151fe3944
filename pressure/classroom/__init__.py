"""The classroom: stations publish their live guidance over MQTT, the instructor's dashboard
shows every station at once. Qt-free (paho-mqtt, amqtt, numpy and the standard library)."""
