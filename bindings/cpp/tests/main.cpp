// Test entry point: refuse to run (exit 1) without the harness's environment, rather than skip.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <iostream>

int main(int argc, char** argv) {
    bool listing = false, cluster_only = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--gtest_list_tests") == 0) listing = true;
        // The cluster tests run under `with-lxd.sh --cluster`, which has no second daemon: they
        // check their own variables (LXD_TEST_CLUSTER_*).
        if (std::strncmp(argv[i], "--gtest_filter=Cluster", 22) == 0 && std::strchr(argv[i], ':') == nullptr) cluster_only = true;
    }
    if (!listing && !cluster_only) {
        // (No LXD_TEST_TRUST_PASSWORD: Incus has none; tests use lxdtest::trust_secret.)
        const char* required[] = {"LXD_TEST_SOCKET",      "LXD_TEST_HTTPS_URL",
                                  "LXD_TEST_SERVER_CERT", "LXD_TEST_CLIENT_CERT",   "LXD_TEST_CLIENT_KEY",
                                  "LXD_TEST_CLIENT2_CERT", "LXD_TEST_CLIENT2_KEY",  "LXD_TEST_IMAGE_ALIAS",
                                  "LXD_TEST_IMAGE_FINGERPRINT", "LXD_TEST_POOL",    "LXD_TEST_SERVER_CERT2",
                                  "LXD_TEST_HTTPS_URL2"};
        bool missing = false;
        for (const char* name : required) {
            const char* v = std::getenv(name);
            if (v == nullptr || *v == '\0') {
                std::cerr << "missing environment variable " << name << "\n";
                missing = true;
            }
        }
        if (missing) {
            std::cerr << "run under tests/harness/with-lxd.sh --second (make test-cpp does)\n";
            return 1;
        }
    }
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
