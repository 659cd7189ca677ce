package dev.tollgate.agent.core.parse;

/** One stage that turns body bytes into complete values for the tap: framing or decoding. */
abstract class Framer {
  /** Bytes as the application read them; never retained by reference. */
  abstract void write(byte[] b, int off, int len);

  /** The body ended (EOF): flush what the framing allows. */
  abstract void end();

  /**
   * The body was closed before EOF. Blocking bodies whose buffered bytes already form a complete
   * value (a JSON client stops at the closing brace) are handled as if they had ended; returns true
   * then.
   */
  boolean endIfComplete() {
    return false;
  }

  /** Drops buffers; called once the tap is done. */
  abstract void release();

  /** Bytes held by this stage's buffers, for the bounded-memory test. */
  abstract int retainedBytes();
}
