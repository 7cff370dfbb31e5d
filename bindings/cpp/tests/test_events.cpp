// Events: the lifecycle events of a create/start/stop arrive in order; close() from another
// thread wakes a blocked next(); a timeout gives nullopt.
#include "common.hpp"

#include <thread>

using namespace lxdtest;
using namespace std::chrono_literals;

TEST(Events, LifecycleOfCreateStartStopInOrder) {
    auto c = local();
    auto events = c.events("lifecycle");
    const std::string name = unique("ev");
    Cleanup gone([&] { destroy_instance(c.native_handle(), name); });
    auto inst = c.instances().create(busybox(name));
    inst.start();
    inst.stop(-1, true);

    std::vector<std::string> actions;
    const std::string source = "/1.0/instances/" + name;
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline) {
        auto ev = events.next(2000ms);
        if (!ev) continue;
        EXPECT_EQ(ev->at("type").get<std::string>(), "lifecycle");
        const auto& md = ev->at("metadata");
        if (md.value("source", "").rfind(source, 0) != 0) continue; // another instance's, or a log
        actions.push_back(md.at("action").get<std::string>());
        if (actions.back() == "instance-stopped") break;
    }
    // created, started, stopped appear in this order (other actions may come in between).
    std::vector<std::string> want = {"instance-created", "instance-started", "instance-stopped"};
    std::size_t i = 0;
    for (const auto& a : actions)
        if (i < want.size() && a == want[i]) ++i;
    EXPECT_EQ(i, want.size()) << ::testing::PrintToString(actions);
}

TEST(Events, CloseFromAnotherThreadWakesNext) {
    auto c = local();
    auto events = c.events("operation");
    // Nothing happens in this project for a moment: a short timeout gives nullopt.
    const double waited = seconds([&] {
        for (int i = 0; i < 5; ++i)
            if (!events.next(300ms)) break;
    });
    EXPECT_GE(waited, 0.25);

    std::thread closer([&] {
        std::this_thread::sleep_for(300ms);
        events.close();
    });
    std::optional<nlohmann::json> got;
    const double took = seconds([&] {
        for (;;) { // operation events of other work may come first; closed ends the loop
            got = events.next();
            if (!got) break;
        }
    });
    closer.join();
    EXPECT_FALSE(got.has_value());
    EXPECT_LT(took, 5.0);
    EXPECT_FALSE(events.next(0ms).has_value()); // closed stays closed, at once
}
