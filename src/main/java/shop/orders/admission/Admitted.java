package shop.orders.admission;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The route a JAX-RS resource method takes at the door ({@link AdmissionControl}). Every resource method under
 * {@code /api} carries one, and the service does not start while one lacks it (AdmissionRoutes names the method):
 * whoever adds an endpoint says whether it needs a connection and whether it moves money, instead of a path pattern
 * deciding it, which counted any new POST as an order write.
 * <p>
 * Whether the door looks at the caller's token is not said here but read from the method's security annotation: a
 * method Quarkus lets through without a token ({@code @PermitAll}, on it or on its class) is public, and the door
 * then counts it against the pod's places only, without resolving the token (a token that fails must not turn a
 * public read into a 401 at the door). One declaration cannot disagree with itself; a second flag here could mark
 * public what needs a token, or the reverse.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Admitted {
  Route value();
}
