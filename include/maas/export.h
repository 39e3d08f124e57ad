#ifndef MAAS_EXPORT_H_
#define MAAS_EXPORT_H_
/* MAAS_API marks the functions and classes that libmaas exports. The library is built with
 * hidden visibility, so nothing else in it is part of its ABI. */

#if defined(__GNUC__) || defined(__clang__)
#define MAAS_API __attribute__((visibility("default")))
#else
#define MAAS_API
#endif

#endif /* MAAS_EXPORT_H_ */
