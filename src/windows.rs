//! The few Windows calls the standard library does not make: the console's
//! code pages and colours, whether the console is ours (a double click),
//! and a file's identity. The one home of Windows FFI, each call small and
//! its safety said where it is made.
#![allow(unsafe_code)]

use std::fs::File;
use std::os::windows::io::AsRawHandle;
use std::sync::atomic::{AtomicU32, Ordering};

use windows_sys::Win32::Storage::FileSystem::{
    BY_HANDLE_FILE_INFORMATION, FILE_TYPE_DISK, GetFileInformationByHandle, GetFileType,
};
use windows_sys::Win32::System::Console::{
    ENABLE_VIRTUAL_TERMINAL_PROCESSING, GetConsoleCP, GetConsoleMode, GetConsoleOutputCP,
    GetConsoleProcessList, GetStdHandle, STD_ERROR_HANDLE, STD_OUTPUT_HANDLE, SetConsoleCP,
    SetConsoleMode, SetConsoleOutputCP,
};

/// UTF-8's code page.
const UTF8: u32 = 65001;

/// The code pages found at start (0: none changed), put back at exit so
/// the clerk's console is as it was for the next program.
static INPUT_CP: AtomicU32 = AtomicU32::new(0);
static OUTPUT_CP: AtomicU32 = AtomicU32::new(0);

/// Sets the console to UTF-8 both ways, so Vietnamese text shows right in
/// programs our output is piped to (`cctthc stats | more`) and in what the
/// clerk types; the standard library already writes the console itself in
/// UTF-16. Without a console, nothing happens.
pub fn utf8_console() {
    // SAFETY: the four calls take and return plain integers; a failure
    // (no console) returns 0, which is checked.
    unsafe {
        let (input, output) = (GetConsoleCP(), GetConsoleOutputCP());
        if output != 0 && output != UTF8 && SetConsoleOutputCP(UTF8) != 0 {
            OUTPUT_CP.store(output, Ordering::Relaxed);
        }
        if input != 0 && input != UTF8 && SetConsoleCP(UTF8) != 0 {
            INPUT_CP.store(input, Ordering::Relaxed);
        }
    }
}

/// Puts back the code pages [`utf8_console`] changed.
pub fn restore_console() {
    let (input, output) = (
        INPUT_CP.swap(0, Ordering::Relaxed),
        OUTPUT_CP.swap(0, Ordering::Relaxed),
    );
    // SAFETY: plain integers in; the code pages were the console's own.
    unsafe {
        if output != 0 {
            SetConsoleOutputCP(output);
        }
        if input != 0 {
            SetConsoleCP(input);
        }
    }
}

/// Whether this process is alone on its console: Windows made the console
/// for it, as when Explorer starts it by a double click or a drop, and the
/// window closes the moment it exits.
pub fn own_console() -> bool {
    let mut ids = [0u32; 2];
    // SAFETY: `ids` holds the 2 entries the call is told it may write.
    let count = unsafe { GetConsoleProcessList(ids.as_mut_ptr(), ids.len() as u32) };
    count == 1
}

/// Whether the console of stdout (`stderr` when `stderr` is true) shows
/// ANSI colours: asks it to, as Windows 10 and later consoles can; false
/// on older consoles, which would print the escapes as text.
pub fn colours(stderr: bool) -> bool {
    let which = if stderr {
        STD_ERROR_HANDLE
    } else {
        STD_OUTPUT_HANDLE
    };
    // SAFETY: the handle is the process's own standard handle, not closed
    // here; `mode` is a valid place for the call to write.
    unsafe {
        let handle = GetStdHandle(which);
        let mut mode = 0u32;
        if handle.is_null() || GetConsoleMode(handle, &mut mode) == 0 {
            return false;
        }
        mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING != 0
            || SetConsoleMode(handle, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0
    }
}

/// The volume and index that make a file one file (hard links share them),
/// as a device and inode do on Unix; none for what is not a disk file.
pub fn file_id(file: &File) -> Option<(u64, u64)> {
    let handle = file.as_raw_handle();
    // SAFETY: `file` owns the open handle for the length of the calls; the
    // structure is plain data, zeroed, and written only by the call.
    unsafe {
        if GetFileType(handle) != FILE_TYPE_DISK {
            return None;
        }
        let mut info: BY_HANDLE_FILE_INFORMATION = std::mem::zeroed();
        if GetFileInformationByHandle(handle, &mut info) == 0 {
            return None;
        }
        let index = (u64::from(info.nFileIndexHigh) << 32) | u64::from(info.nFileIndexLow);
        Some((u64::from(info.dwVolumeSerialNumber), index))
    }
}
