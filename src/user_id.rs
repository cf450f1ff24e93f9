//! The portal's user ids.

crate::guid::guid_type!(
    /// A portal user id: a GUID, written `0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a`.
    ///
    /// Parsed once from its text, so that ids compare equal whatever the case of their hex
    /// digits, and a request built from one cannot reach another route of the API.
    ///
    /// ```
    /// use docspace_people::UserId;
    ///
    /// let a: UserId = "0B1C7F2E-5D0E-4B7A-9A5C-2F1E6D3C4B5A".parse()?;
    /// let b: UserId = "0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a".parse()?;
    /// assert_eq!(a, b);
    /// assert_eq!(a.to_string(), "0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a");
    /// assert!("john.doe".parse::<UserId>().is_err());
    /// # Ok::<(), docspace_people::Error>(())
    /// ```
    UserId,
    "user id"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_json_and_keeps_its_kind_in_errors() {
        let id: UserId = "0B1C7F2E-5D0E-4B7A-9A5C-2F1E6D3C4B5A".parse().unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a\"");
        assert_eq!(serde_json::from_str::<UserId>(&json).unwrap(), id);
        assert_eq!(
            format!("{id:?}"),
            "UserId(0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a)"
        );
        let wrong = "john.doe".parse::<UserId>().unwrap_err().to_string();
        assert!(wrong.contains("'john.doe' is not a user id"), "{wrong}");
    }
}
