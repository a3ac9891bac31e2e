package shop.orders.testing;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The strict reader must refuse what an API server would: a misplaced field, an unknown kind. */
class StrictKubernetesTests {
  private static final String DEPLOYMENT = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
              - name: web
                image: web:1
                %s
      """;

  @Test
  void aValidObjectParses() {
    var objects = StrictKubernetes.parse(DEPLOYMENT.formatted("ports: [{containerPort: 8080}]") + """
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata:
          name: web
        spec: {}
        """, Set.of("ServiceMonitor"));
    assertThat(objects).extracting(o -> o.getKind()).containsExactly("Deployment", "ServiceMonitor");
  }

  @Test
  void aFieldInTheWrongPlaceFailsWithItsPath() {
    assertThatThrownBy(() -> StrictKubernetes.parse(DEPLOYMENT.formatted("timeoutSeconds: 3"), Set.of()))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Deployment/web").hasMessageContaining("containers[0].timeoutSeconds");
  }

  @Test
  void anUnknownKindOrApiVersionFails() {
    assertThatThrownBy(() -> StrictKubernetes.parse("""
        apiVersion: autoscaling/v3
        kind: HorizontalPodAutoscaler
        metadata:
          name: web
        """, Set.of()))
        .isInstanceOf(AssertionError.class).hasMessageContaining("no kind HorizontalPodAutoscaler");
  }
}
