package dev.portcullis.realworld;

import org.junit.jupiter.api.Order;

/**
 * {@link StockTomcatClusterIT} on Apache Tomcat 9.0.98: the Tomcat 9 JAR next to the same cluster add-on JAR
 * (it touches neither Tomcat nor the Servlet API, so it has no Tomcat 9 form; Tomcat9JarIT checks that), the
 * shipped clustered configuration, a Terracotta server: a session outlives a restart of Tomcat.
 */
@Order(33)
class StockTomcat9ClusterIT extends StockTomcatClusterIT {

    @Override
    String version() {
        return "9.0.98";
    }
}
