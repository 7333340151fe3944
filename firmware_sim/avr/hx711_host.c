/* hx711_host.c: an ATmega328P (simavr) running the real sketch, wired to an emulated HX711,
 * its UART behind a pty (uart_pty from libsimavrparts).
 *
 * usage: hx711_host SKETCH.elf RATE_HZ CONTROL_FD
 *
 * Where the load comes from, and why: Python (firmware_sim/avr/emulator.py) computes the ADC
 * count of every conversion with firmware_sim's own practitioner profiles and board noise and
 * writes them to our stdin, one decimal number a line. Keeping the model in one place means
 * `sim --firmware avr --profile ppt --seed 3` presses exactly what `sim --profile ppt --seed 3`
 * presses, and this file stays a pin-level HX711. Conversion k takes line k whatever the wall
 * clock does, so the load follows the *simulated* time the sketch stamps its samples with; the
 * pipe's buffer lets Python run ahead. End of stdin (the parent gone) ends the emulator: no
 * orphan can outlive `sim`.
 *
 * CONTROL_FD carries what must act at once rather than after the buffered samples, one command
 * a line: "load N" (hold the ADC input at N counts: a known weight, a saturated bridge),
 * "profile" (back to the profile's counts), "reset" (the board's reset button).
 *
 * The HX711 (datasheet): DOUT high while converting; low when a conversion is ready (every
 * 1/RATE s: the RATE pin, 10 or 80 samples/s). Each SCK rising edge shifts out one bit, MSB
 * first, 24 bits of two's complement; the 25th pulse selects channel A gain 128 and puts DOUT
 * high again. An input beyond the range reads 0x7FFFFF or 0x800000 (saturation).
 *
 * On stdout: "PTY /dev/pts/N" once the pty exists, then nothing (simavr's own chatter: stderr).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "avr_ioport.h"
#include "sim_avr.h"
#include "sim_elf.h"
#include "sim_time.h"
#include "uart_pty.h"

#define RAW_MAX 8388607L
#define RAW_MIN (-8388608L)

typedef struct {
	avr_t *avr;
	avr_irq_t *dout;
	uint32_t period_us;
	long data;          /* the conversion being shifted out */
	int bits;           /* SCK rising edges since DOUT went low */
	int ready;          /* a conversion waits to be read */
	int overridden;     /* "load N" in force */
	long override;
} hx711_t;

static hx711_t hx;

static long next_profile_count(void)
{
	char line[64];
	if (!fgets(line, sizeof line, stdin))
		_exit(0); /* the parent closed the pipe: stop (_exit: exit() can wait on the pty thread) */
	return strtol(line, NULL, 10);
}

static avr_cycle_count_t conversion_done(avr_t *avr, avr_cycle_count_t when, void *param)
{
	(void)param;
	long v = next_profile_count();    /* always consumed: the profile follows simulated time */
	if (hx.overridden)
		v = hx.override;
	if (v > RAW_MAX) v = RAW_MAX;     /* the ADC's limits */
	if (v < RAW_MIN) v = RAW_MIN;
	if (hx.bits == 0) {               /* a read in progress keeps its conversion */
		hx.data = v;
		hx.ready = 1;
		avr_raise_irq(hx.dout, 0);
	}
	return when + avr_usec_to_cycles(avr, hx.period_us);
}

static void sck_changed(struct avr_irq_t *irq, uint32_t value, void *param)
{
	(void)param;
	if (!value || irq->value == value)  /* rising edges only */
		return;
	if (!hx.ready)
		return;
	hx.bits++;
	if (hx.bits <= 24) {
		avr_raise_irq(hx.dout, (hx.data >> (24 - hx.bits)) & 1);
	} else {                        /* 25th pulse: gain 128, conversion consumed */
		hx.bits = 0;
		hx.ready = 0;
		avr_raise_irq(hx.dout, 1);
	}
}

static void hx711_start(void)
{
	hx.bits = 0;
	hx.ready = 0;
	avr_raise_irq(hx.dout, 0);  /* a reset clears the pin but not the IRQ's value: toggle */
	avr_raise_irq(hx.dout, 1);
	avr_cycle_timer_cancel(hx.avr, conversion_done, NULL);
	avr_cycle_timer_register_usec(hx.avr, hx.period_us, conversion_done, NULL);
}

static void on_control(int fd)
{
	static char buf[256];
	static size_t len;
	ssize_t n = read(fd, buf + len, sizeof buf - 1 - len);
	if (n == 0)
		_exit(0);
	if (n < 0)
		return; /* EAGAIN: nothing new */
	len += (size_t)n;
	buf[len] = 0;
	char *nl;
	while ((nl = strchr(buf, '\n'))) {
		*nl = 0;
		if (strncmp(buf, "load ", 5) == 0) {
			hx.override = strtol(buf + 5, NULL, 10);
			hx.overridden = 1;
		} else if (strcmp(buf, "profile") == 0) {
			hx.overridden = 0;
		} else if (strcmp(buf, "reset") == 0) {
			avr_reset(hx.avr);
			hx711_start();
		}
		len -= (size_t)(nl + 1 - buf);
		memmove(buf, nl + 1, len + 1);
	}
	if (len >= sizeof buf - 1)
		len = 0; /* a line too long is noise: drop it */
}

static void on_signal(int sig)
{
	(void)sig;
	_exit(0); /* nothing to save; the kernel closes the pty (exit() could wait on its thread) */
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s SKETCH.elf RATE_HZ CONTROL_FD\n", argv[0]);
		return 2;
	}
	int rate = atoi(argv[2]);
	int control = atoi(argv[3]);
	if (rate != 10 && rate != 80) {
		fprintf(stderr, "the HX711's RATE pin gives 10 or 80 samples/s, not %s\n", argv[2]);
		return 2;
	}
	int report = dup(1);  /* simavr chats on stdout: that goes to stderr, our one line here */
	dup2(2, 1);
	elf_firmware_t f = {{0}};
	if (elf_read_firmware(argv[1], &f) != 0) {
		fprintf(stderr, "cannot read %s\n", argv[1]);
		return 1;
	}
	strcpy(f.mmcu, "atmega328p");
	f.frequency = 16000000;
	avr_t *avr = avr_make_mcu_by_name(f.mmcu);
	if (!avr) {
		fprintf(stderr, "simavr knows no atmega328p\n");
		return 1;
	}
	avr_init(avr);
	avr_load_firmware(avr, &f);
	avr->log = 0;

	hx.avr = avr;
	hx.period_us = 1000000u / (uint32_t)rate;
	hx.dout = avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ('D'), 3);
	avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ('D'), 2), sck_changed, NULL);
	hx711_start();

	static uart_pty_t pty;
	uart_pty_init(avr, &pty);
	uart_pty_connect(&pty, '0');
	dprintf(report, "PTY %s\n", pty.port[0].slavename);
	close(report);

	fcntl(control, F_SETFL, fcntl(control, F_GETFL) | O_NONBLOCK);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);

	/* Never faster than real time: a fast machine would otherwise send 80 "per second" lines
	 * many times a second by the wall clock, which no board does. Slower is what it is. */
	double start = now_s();
	avr_cycle_count_t cycle0 = avr->cycle;
	unsigned long steps = 0;
	int state = cpu_Running;
	while (state != cpu_Done && state != cpu_Crashed) {
		state = avr_run(avr);
		if (++steps % 16384)
			continue;
		on_control(control);
		double ahead = (double)(avr->cycle - cycle0) / avr->frequency - (now_s() - start);
		if (ahead > 0.002) {
			struct timespec ts = {0, (long)(ahead * 1e9)};
			nanosleep(&ts, NULL);
		}
	}
	fprintf(stderr, "the sketch %s\n", state == cpu_Crashed ? "crashed the AVR" : "stopped the AVR");
	_exit(state == cpu_Crashed ? 1 : 0);
}
