package dev.portcullis.realworld;

import org.junit.jupiter.api.Order;

/** {@link StockTomcatDropInTests} on Apache Tomcat 11.0.24, the primary target. */
@Order(30)
class StockTomcat11DropInIT extends StockTomcatDropInTests {

    @Override
    String version() {
        return "11.0.24";
    }
}
