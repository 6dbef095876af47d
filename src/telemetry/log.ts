import { type DestinationStream, type Logger, pino } from "pino";

export type { Logger };

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * JSON lines on stderr, whatever the mode: in stdio mode stdout belongs to MCP. Writes are
 * synchronous so that the last lines before an exit are not lost.
 */
export function createLogger(
  level: LogLevel,
  destination: DestinationStream = pino.destination({ dest: 2, sync: true }),
): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Nothing logs these today; if a field of that name ever slips in, it is masked.
      redact: { paths: ["key", "apiKey", "token", "secret", "authorization", "body"], censor: "[redacted]" },
    },
    destination,
  );
}

/** The old one-argument log of the services, as error lines of a logger. */
export function errorLog(logger: Logger): (message: string) => void {
  return (message) => logger.error(message);
}
