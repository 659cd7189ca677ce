package dev.tollgate.agent.it.app;

/** The smallest application: prints one line. */
public final class HelloApp {
  public static void main(String[] args) {
    System.out.println("hello");
  }
}
