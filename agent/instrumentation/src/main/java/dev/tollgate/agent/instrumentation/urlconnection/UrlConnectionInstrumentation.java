package dev.tollgate.agent.instrumentation.urlconnection;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.tollgate.agent.bootstrap.Bridge;
import dev.tollgate.agent.bootstrap.Rejection;
import dev.tollgate.agent.installer.Targets;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.net.HttpURLConnection;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.dynamic.ClassFileLocator;

/**
 * {@code HttpURLConnection}, http and https: the JDK's https connection delegates to a subclass
 * of {@code sun.net.www.protocol.http.HttpURLConnection}, so instrumenting that one class covers
 * both. The streams it returns are wrapped so that the bytes the application writes and reads
 * pass through a tap; their content and timing are unchanged.
 */
public final class UrlConnectionInstrumentation {
  private UrlConnectionInstrumentation() {}

  public static AgentBuilder register(
      AgentBuilder builder, ClassFileLocator locator, Instrumentation inst) {
    return builder
        .type(named(Targets.URL_CONNECTION))
        .transform(
            new AgentBuilder.Transformer.ForAdvice()
                .include(locator)
                .advice(named("getOutputStream").and(takesArguments(0)), OutputAdvice.class.getName())
                .advice(named("getInputStream").and(takesArguments(0)), InputAdvice.class.getName())
                .advice(named("getErrorStream").and(takesArguments(0)), ErrorStreamAdvice.class.getName())
                .advice(named("disconnect").and(takesArguments(0)), DisconnectAdvice.class.getName()));
  }

  public static final class OutputAdvice {
    private OutputAdvice() {}

    /** A {@link Rejection} skips the method and is thrown instead: the controller refused the call. */
    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Rejection.class)
    public static Object onEnter(@Advice.This HttpURLConnection connection) {
      return Bridge.hooks.urlConnectionEnter(connection);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(
        @Advice.This HttpURLConnection connection,
        @Advice.Enter Object entered,
        @Advice.Return(readOnly = false) OutputStream out,
        @Advice.Thrown(readOnly = false) Throwable thrown) {
      if (entered instanceof Rejection) {
        thrown = ((Rejection) entered).error;
      } else {
        out = (OutputStream) Bridge.hooks.urlConnectionOutput(connection, out, thrown);
      }
    }
  }

  public static final class InputAdvice {
    private InputAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Rejection.class)
    public static Object onEnter(@Advice.This HttpURLConnection connection) {
      return Bridge.hooks.urlConnectionEnter(connection);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(
        @Advice.This HttpURLConnection connection,
        @Advice.Enter Object entered,
        @Advice.Return(readOnly = false) InputStream in,
        @Advice.Thrown(readOnly = false) Throwable thrown) {
      if (entered instanceof Rejection) {
        thrown = ((Rejection) entered).error;
      } else {
        in = (InputStream) Bridge.hooks.urlConnectionInput(connection, in, thrown, false);
      }
    }
  }

  public static final class ErrorStreamAdvice {
    private ErrorStreamAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(
        @Advice.This HttpURLConnection connection,
        @Advice.Return(readOnly = false) InputStream in) {
      in = (InputStream) Bridge.hooks.urlConnectionInput(connection, in, null, true);
    }
  }

  public static final class DisconnectAdvice {
    private DisconnectAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.This HttpURLConnection connection) {
      Bridge.hooks.urlConnectionDisconnect(connection);
    }
  }
}
