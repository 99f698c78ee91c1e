// The per-format readers behind read_events() (data/reader.h). Each reads one file and appends
// to the log; docs/FORMATS.md documents the columns each expects.
#pragma once

#include <string>

#include "data/reader.h"

namespace kairos::readers {

// Event files.
void read_taobao(const ReadOptions& o, const std::string& path, EventLog* log);
void read_retailrocket(const ReadOptions& o, const std::string& path, EventLog* log);
void read_diginetica_views(const ReadOptions& o, const std::string& path, EventLog* log);
void read_diginetica_purchases(const ReadOptions& o, const std::string& path, EventLog* log);
void read_yoochoose_clicks(const ReadOptions& o, const std::string& path, EventLog* log);
void read_yoochoose_buys(const ReadOptions& o, const std::string& path, EventLog* log);
void read_generic_csv(const ReadOptions& o, const std::string& path, EventLog* log);
void read_session_lines(const ReadOptions& o, const std::string& path, EventLog* log);
void read_user_sequences(const ReadOptions& o, const std::string& path, EventLog* log);
void read_category_sessions(const ReadOptions& o, const std::string& path, EventLog* log);
void read_stream_file(const ReadOptions& o, const std::string& path, EventLog* log);

// Item side tables (item -> category). The JSON one is read whole (no line length cap).
void read_retailrocket_properties(const ReadOptions& o, const std::string& path, EventLog* log);
void read_item_attributes_json(const std::string& path, EventLog* log);
// Two columns `item<sep>category` with an optional header; separator sniffed from , ; or tab.
void read_item_category_table(const ReadOptions& o, const std::string& path, EventLog* log);

}  // namespace kairos::readers
