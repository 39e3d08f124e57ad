#pragma once
// A process-wide cache of oneDNN primitives, one instance per kernel kind (dense, convolution,
// RNN). Only kernels/*.cpp include this header, so no oneDNN type reaches core/.
//
// A primitive is created once per key and reused. Each thread binds the memory objects of a
// primitive once and later only swaps data pointers, so a warm call allocates nothing in maas
// code. Every function may run from several threads at once: each thread executes on its own
// stream and scratchpad (see dnnl_runtime.h).

#include <cstddef>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "kernels/primitive_attr.h"

namespace maas::kernels {

// An argument whose layout in maas (plain, such as "wio") differs from the one the primitive
// chose for itself (a blocked layout, from format_tag::any). execute_primitive() reorders it
// into a buffer of the calling thread before the primitive runs, or back after it for an output.
struct LayoutConversion {
  std::size_t argument = 0;        // index into PrimitiveEntry::arguments
  dnnl::memory::desc primitive_desc;
  dnnl::reorder reorder;           // from the maas layout to the primitive's, or back for an output
  bool output = false;
};

// A primitive with the memory descriptors of its arguments, in the order that
// execute_primitive() receives the data pointers, in maas's layouts. The scratchpad is added by
// execute_primitive.
struct PrimitiveEntry {
  dnnl::primitive primitive;
  std::vector<std::pair<int, dnnl::memory::desc>> arguments;
  std::vector<LayoutConversion> conversions;
  dnnl::memory::desc scratchpad;
};

// Adds a LayoutConversion for every argument whose descriptor in `entry` differs from the one
// that `pd` executes with, which happens where the primitive was created with format_tag::any.
void add_layout_conversions(PrimitiveEntry& entry, const dnnl::primitive_desc_base& pd);

// Returns an f32 memory descriptor with logical `dims` in layout `tag`.
inline dnnl::memory::desc f32_desc(const dnnl::memory::dims& dims, dnnl::memory::format_tag tag) {
  return dnnl::memory::desc(dims, dnnl::memory::data_type::f32, tag);
}

// Returns an entry for the primitive that `pd` describes, with the scratchpad size that `pd` requires.
template <class Primitive, class PrimitiveDesc>
std::shared_ptr<PrimitiveEntry> make_primitive_entry(const PrimitiveDesc& pd,
                                                     std::vector<std::pair<int, dnnl::memory::desc>> arguments) {
  auto entry = std::make_shared<PrimitiveEntry>();
  entry->primitive = Primitive(pd);
  entry->scratchpad = pd.scratchpad_desc();
  entry->arguments = std::move(arguments);
  add_layout_conversions(*entry, pd);
  return entry;
}

// Maximum entries per cache. Each distinct batch size and sequence length adds entries; when
// the cache is full it is cleared, and callers holding an entry keep it alive.
inline constexpr std::size_t kMaxPrimitiveCacheEntries = 4096;

// Maps `Key` (an ordered tuple of sizes, pass and thread count) to a shared primitive entry.
template <class Key>
class PrimitiveCache {
 public:
  using Factory = std::function<std::shared_ptr<const PrimitiveEntry>()>;

  // Returns the entry for `key`, calling `create` when there is none. Creation runs outside
  // the lock because it can take milliseconds; if two threads race, the first insert wins.
  std::shared_ptr<const PrimitiveEntry> find_or_create(const Key& key, const Factory& create) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const auto found = entries_.find(key);
      if (found != entries_.end()) {
        return found->second;
      }
    }
    auto created = create();
    std::lock_guard<std::mutex> lock(mutex_);
    if (entries_.size() >= kMaxPrimitiveCacheEntries) {
      entries_.clear();
    }
    return entries_.emplace(key, std::move(created)).first->second;
  }

  std::size_t size() {
    std::lock_guard<std::mutex> lock(mutex_);
    return entries_.size();
  }

 private:
  std::mutex mutex_;
  std::map<Key, std::shared_ptr<const PrimitiveEntry>> entries_;
};


// Runs `entry` on the calling thread's stream with one data pointer per argument, in the
// order of entry->arguments. oneDNN takes non-const handles for inputs too; it does not write
// to sources. A nullptr is allowed only for an argument whose descriptor is empty.
void execute_primitive(const std::shared_ptr<const PrimitiveEntry>& entry,
                       std::initializer_list<const void*> data, const char* what);
void execute_primitive(const std::shared_ptr<const PrimitiveEntry>& entry,
                       std::span<const void* const> data, const char* what);

}  // namespace maas::kernels
