// pressure_hx711.ino: the "pressure" line protocol, version 1, on an Arduino with an HX711.
//
// Wiring: HX711 DOUT -> pin 3, SCK -> pin 2, VCC -> 5 V, GND -> GND; the load cell's four
// wires to E+/E-/A+/A- as the HX711 board marks them. Tie the board's RATE pin high for
// 80 samples/s (low: 10 samples/s) and set PRESSURE_RATE_HZ below to match (or compile with
// -DPRESSURE_RATE_HZ=10; `python -m firmware_sim.avr.build` builds both hex files).
//
// Protocol (README.md, "The pressure line protocol"; docs/architecture.md): every sample is one line
//     S<seq>,<micros>,<raw>*<CC>\r\n
// where CC is the XOR of every byte before '*', as two hex digits. Lines starting with '#'
// are replies and events. Commands, one per line: ID?  TARE  RATE <hz>  START  STOP.
// This sketch has no dependencies beyond the Arduino core.

#include <Arduino.h>

const uint8_t PIN_DOUT = 3;
const uint8_t PIN_SCK = 2;
#ifndef PRESSURE_RATE_HZ                   // a build for a board with RATE low passes -DPRESSURE_RATE_HZ=10
#define PRESSURE_RATE_HZ 80
#endif
const uint16_t SAMPLE_RATE_HZ = PRESSURE_RATE_HZ;  // what the RATE pin gives; the HX711 cannot change it by command
const float COUNTS_PER_N = 8560.0;         // calibrate once with a known weight, then write it here
const char SERIAL_NO[] = "HX711-0001";     // name this sensor: the host keeps its calibration under this name

uint32_t seq = 0;
long offset = 0;                           // raw count that means 0 N (set by TARE)
bool streaming = true;
char cmd[24];
uint8_t cmdLen = 0;

long readHx711() {                         // 24-bit two's complement, channel A, gain 128
  long value = 0;
  noInterrupts();
  for (uint8_t i = 0; i < 24; i++) {
    digitalWrite(PIN_SCK, HIGH);
    delayMicroseconds(1);
    value = (value << 1) | digitalRead(PIN_DOUT);
    digitalWrite(PIN_SCK, LOW);
    delayMicroseconds(1);
  }
  digitalWrite(PIN_SCK, HIGH);             // 25th pulse: gain 128 for the next conversion
  delayMicroseconds(1);
  digitalWrite(PIN_SCK, LOW);
  interrupts();
  if (value & 0x800000L) value |= 0xFF000000L;  // sign-extend to 32 bits
  return value;
}

void sendSample(uint32_t micros_now, long raw) {
  char line[48];
  int n = snprintf(line, sizeof line, "S%lu,%lu,%ld", (unsigned long)seq, (unsigned long)micros_now, raw);
  uint8_t cs = 0;
  for (int i = 0; i < n; i++) cs ^= (uint8_t)line[i];
  snprintf(line + n, sizeof line - n, "*%02X", cs);
  Serial.println(line);                    // println ends the line with \r\n
  seq++;
}

void handleCommand(const char *c) {
  if (strcmp(c, "ID?") == 0) {
    Serial.print(F("#ID model=pressure-hx711 fw=1.0 serial="));
    Serial.print(SERIAL_NO);
    Serial.print(F(" rate="));
    Serial.print(SAMPLE_RATE_HZ);
    Serial.print(F(" counts_per_n="));
    Serial.print(COUNTS_PER_N, 1);
    Serial.println(F(" offset=0"));
  } else if (strcmp(c, "TARE") == 0) {
    long sum = 0;
    for (uint8_t i = 0; i < 8; i++) {
      while (digitalRead(PIN_DOUT)) {}
      sum += readHx711();
    }
    offset = sum / 8;
    Serial.print(F("#OK TARE offset="));
    Serial.println(offset);
  } else if (strncmp(c, "RATE ", 5) == 0) {
    if (atoi(c + 5) == SAMPLE_RATE_HZ) {
      Serial.print(F("#OK RATE "));
      Serial.println(SAMPLE_RATE_HZ);
    } else {
      Serial.println(F("#ERR RATE set by the HX711's RATE pin on this board"));
    }
  } else if (strcmp(c, "START") == 0) {
    streaming = true;
    Serial.println(F("#OK START"));
  } else if (strcmp(c, "STOP") == 0) {
    streaming = false;
    Serial.println(F("#OK STOP"));
  } else {
    Serial.print(F("#ERR UNKNOWN "));
    Serial.println(c);
  }
}

void setup() {
  pinMode(PIN_SCK, OUTPUT);
  pinMode(PIN_DOUT, INPUT);
  digitalWrite(PIN_SCK, LOW);
  Serial.begin(115200);
  Serial.println(F("#BOOT pressure-hx711 1.0"));
}

void loop() {
  while (Serial.available()) {             // commands never block sampling
    char ch = Serial.read();
    if (ch == '\n' || ch == '\r') {
      if (cmdLen) { cmd[cmdLen] = 0; handleCommand(cmd); cmdLen = 0; }
    } else if (cmdLen < sizeof cmd - 1) {
      cmd[cmdLen++] = ch;
    }
  }
  if (streaming && digitalRead(PIN_DOUT) == LOW) {   // a conversion is ready
    uint32_t t = micros();
    long adc = readHx711();
    // Saturation is judged on the ADC's own count: the HX711 reads 0x7FFFFF / 0x800000 beyond its
    // range, and the host flags exactly those values. Subtracting the tare first would move a
    // saturated reading off the limit and hide it behind a plausible force.
    long raw = (adc >= 8388607L || adc <= -8388608L) ? adc : adc - offset;
    if (raw > 8388607L) raw = 8388607L;
    if (raw < -8388608L) raw = -8388608L;
    sendSample(t, raw);
  }
}
